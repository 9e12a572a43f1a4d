// C ABI lives here.
