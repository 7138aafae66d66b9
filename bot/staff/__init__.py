"""The staff workspace: accounts, drafts, forms, import/export and the staff web app."""
