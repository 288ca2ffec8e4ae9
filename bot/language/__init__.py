"""Language that cares: the words the bot and its question sets say to young people, checked
against what care-experienced young people asked for, and kept easy to read.

``glossary`` loads ``prompts/language.toml``; ``match`` finds its terms in text;
``readability`` gives a reading age; ``lint`` walks the prompts files and returns findings;
``cli`` is ``consultbot prompts lint``. The glossary is advisory: it offers young people's
words, it does not ban anyone's.
"""
