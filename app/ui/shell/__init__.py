"""The shell: the main window, its actions and shortcuts, start-up dialogs and notifications."""
