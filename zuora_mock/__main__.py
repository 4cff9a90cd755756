"""python -m zuora_mock: the same as the zuora-mock command."""

from zuora_mock.cli import main

raise SystemExit(main())
