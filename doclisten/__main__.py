"""``python -m doclisten``: the same as the ``doclisten`` command."""

from doclisten.cli.main import main

if __name__ == "__main__":
    main()
