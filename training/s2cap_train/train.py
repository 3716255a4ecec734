"""`fit`: both stages of the recipe over an export, evaluation each epoch, best and last
checkpoints, resume after an interruption."""
