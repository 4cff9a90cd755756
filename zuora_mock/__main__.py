"""python -m zuora_mock: the same as the zuora-mock command."""

from .cli import main

raise SystemExit(main())
