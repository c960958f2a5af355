from yqctl.cli.main import main

main()
