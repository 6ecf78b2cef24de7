"""The public API (for scripts and notebooks): typed ``gr.api`` endpoints built from plain functions.

``api.register.register_all()`` adds every endpoint: the playground's (``api/playground.py``) and
each lesson's (``Lesson.endpoints``). Endpoint functions live outside Gradio's UI code and take
plain values, so ``client.predict(text="…", api_name="/tokenize")`` needs no empty placeholders.
"""
