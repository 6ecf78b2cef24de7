"""What we do with vectors: plain numpy, no Gradio, no torch."""
