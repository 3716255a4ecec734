"""The model modules: AST (ast.py), BART (bart.py) and the captioner that joins them (captioner.py).
Parameter names follow Hugging Face's modules one to one, so checkpoints load by name (weights.py)."""
