print("dip-pipe: not yet")
