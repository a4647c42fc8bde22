enum _PlaceholderNTM {}
