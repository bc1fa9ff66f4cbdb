#!/usr/bin/env python
from dualcert.__main__ import main

if __name__ == "__main__":
    main()
