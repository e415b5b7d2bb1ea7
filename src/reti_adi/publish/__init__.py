"""Publishing: turn a checked catalogue into static JSON, a data package and a site."""
