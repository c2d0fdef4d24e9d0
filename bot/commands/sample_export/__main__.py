"""python -m bot.commands.sample_export OUT.zip [--messages N ...] (bench/audit.py)."""
from bot.commands.sample_export.generator import main

raise SystemExit(main())
