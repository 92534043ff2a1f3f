from .cli import main

# The guard matters: worker processes (spawn, Dask nannies) import the main module again.
if __name__ == "__main__":
    main()
