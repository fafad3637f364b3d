"""What an operator does to the selected channels: menu, shortcuts, checks, command lines."""
