"""Everything that knows SQL and no torch: dataset readers, schema prompts, SQL extraction,
matching with the official Spider / BIRD semantics, scoring and reports, the safe executor,
Spider hardness. Nothing here imports torch, models/ or the training core."""
