"""Theme tagging: the codebook, the word-matching tagger, and measuring it on labelled data."""
