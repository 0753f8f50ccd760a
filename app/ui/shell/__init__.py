"""The shell: builds the window from the features and wires them in one place; the main window,
its actions table, the tray notifier, the start-up and help dialogs."""
