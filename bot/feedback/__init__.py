""" "You said, we did": what staff did about each theme a group raised, told back to the group.

``card`` words the feedback card the group sees and checks it (length, glossary);
``service`` records actions and their updates, posts cards, and reminds facilitators when a
follow-up date passes; ``cli`` is ``consultbot actions add|list|update``.
"""
