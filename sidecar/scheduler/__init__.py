"""`serve`: the daemon's lifecycle (`daemon`), its jobs (`jobs`) and its watchers (`watcher`)."""
