print("dip-bench: not yet")
