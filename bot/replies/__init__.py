"""The one place a reply is decided and written.

    phrases.py   the bot's wording (the phrasebook record), portal and hotline
    render.py    catalogue facts rendered for the day of the answer
    dialogue.py  decisions: which aspect, clarify or hand over, what to offer
    answers.py   what the actions call: a question in, a `Reply` out

Actions only read the tracker and send what `answers.Answerer` returns; the
printable guides use the same phrases and rendering.
"""
