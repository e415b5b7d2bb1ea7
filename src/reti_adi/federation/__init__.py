"""Federation: harvest many ambiti's publications into one regional or national portal."""
