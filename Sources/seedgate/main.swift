import ArgumentParser
print("seedgate")
