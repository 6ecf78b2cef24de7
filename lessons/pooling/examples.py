"""Examples for the pooling lesson: keyword arguments of ``compute.pooling`` (also the tests' cases).

Each has a sentence, the same words in another order (a different meaning), and a paraphrase (the same
meaning in other words).
"""

EXAMPLES = (
    {"text": "The dog bit the man.", "reordered": "The man bit the dog.",
     "paraphrase": "The man was bitten by the dog."},
    {"text": "Alice gave Bob a book.", "reordered": "Bob gave Alice a book.",
     "paraphrase": "Alice handed a book to Bob."},
    {"text": "The student taught the teacher.", "reordered": "The teacher taught the student.",
     "paraphrase": "The teacher was taught by the student."},
    {"text": "A cat chased the mouse.", "reordered": "The mouse chased a cat.",
     "paraphrase": "A mouse was chased by the cat."},
)

LABELS = (
    "who bit whom?",
    "who gave what to whom?",
    "who taught whom?",
    "who chased whom?",
)
