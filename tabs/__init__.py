"""One module per tab: thin Gradio code that calls lab/, space/ and figures."""
