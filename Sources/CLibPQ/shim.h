#ifndef CONVOCA_CLIBPQ_SHIM_H
#define CONVOCA_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
