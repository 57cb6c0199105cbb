from linter.app.cli import main

main()
