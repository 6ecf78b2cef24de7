"""Examples for the static-vs-contextual lesson: keyword arguments of ``compute.contextual`` (also test cases)."""

EXAMPLES = (
    {"word": "bank", "sentences": "She sat on the bank of the river.\nHe paid the cheque into his bank account.\n"
                                  "He made a bank shot off the backboard."},
    {"word": "bat", "sentences": "The bat flew out of the cave at dusk.\nHe swung the bat and hit the ball.\n"
                                 "A bat hung upside down in the barn."},
    {"word": "kiwi", "sentences": "The kiwi is a flightless bird from New Zealand.\nShe sliced a kiwi for the fruit salad.\n"
                                  "The Kiwi won the race for New Zealand."},
    {"word": "river", "sentences": "We swam in the river.\nThe river flooded the town last spring.\n"
                                   "A narrow river runs through the valley."},
)

LABELS = (
    "bank: river, money, basketball",
    "bat: animal, sport, animal",
    "kiwi: a word cut into two pieces",
    "river: one meaning, three sentences",
)
