"""The app's operations, shared by the tabs and the API: no Gradio, no torch.

Each function takes user inputs (typed text, file paths, gallery ids),
validates and decodes them with ``media``, embeds them with ``encoders`` and
computes results with ``space``. Problems are raised as ``media.InputError``.
"""
