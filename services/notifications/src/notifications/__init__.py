"""The notifications service: every e-mail, letter and reminder a person needs, sent once."""
