class InputError(ValueError):
    """A problem with what the user gave us, phrased for the user."""
