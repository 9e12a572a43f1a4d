#ifndef DIP_BLAS_H
#define DIP_BLAS_H
/* Placeholder: the engine issue fills in the OpenBLAS loader. */
int dip_blas_placeholder(void);
#endif
