int dip_blas_placeholder(void) { return 0; }
