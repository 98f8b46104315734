"""Exchange: bundle export and import, and the formats of engineers' tools."""
