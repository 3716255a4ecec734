"""S2Cap retraining recipe: AST encoder + BART decoder with CRESCENDO alignment and demixing
supervision (arXiv 2409.09866), in plain PyTorch (no `transformers`), from the studio's
audiofolder export to a model pack the studio installs (see README.md, "Retrain on your
corrections")."""

__version__ = "0.1.0"
