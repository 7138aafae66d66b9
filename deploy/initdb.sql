-- the catalogue's database beside Rasa's (POSTGRES_DB creates "rasa")
CREATE DATABASE catalogue;
