"""Examples for the tokens lesson: keyword arguments of ``compute.tokenize`` (also the tests' cases)."""

EXAMPLES = (
    {"text": "unbelievably"},
    {"text": "The flurbinator grokked my spreadsheet."},
    {"text": "Donaudampfschifffahrtsgesellschaft"},
    {"text": "I recieved teh pakage yesterday."},
    {"text": "Chimamanda Ngozi Adichie visited Reykjavík."},
    {"text": "Pizza tonight? 🍕🙂"},
    {"text": "Привет, мир! 東京は大きい。"},
)

LABELS = (
    "an ordinary long word",
    "a made-up word",
    "a long compound (German)",
    "typos",
    "names",
    "emoji",
    "other scripts (Russian, Japanese)",
)
