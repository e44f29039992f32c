from app.commands import main

main()
