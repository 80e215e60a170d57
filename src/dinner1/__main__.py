from dinner1.cli import main

main()
