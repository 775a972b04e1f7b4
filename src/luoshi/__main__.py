from luoshi.cli import main

main()
