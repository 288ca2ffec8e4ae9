"""Safeguarding: screening answers for possible disclosures, and scrubbing personal data.

``screen.screen(text)`` says whether an answer should be held for a facilitator to review,
and why; ``scrub.scrub(text)`` replaces names, phone numbers, emails, addresses, schools and
social handles with placeholders. Both are transparent word matchers over data files in
``prompts/`` (``safeguarding.toml``, ``first-names.txt``), measured by ``evaluate`` on the
labelled answers in ``tests/data/``. Neither is wired into the engine here.
"""
