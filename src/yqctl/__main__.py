from yqctl.cli.launch import main

main()
