// Linux interfaces that Glibc's Swift overlay does not expose: epoll, eventfd
// and accept4 (hidden behind _GNU_SOURCE in <sys/socket.h>).
#ifndef KAWAN_CLINUX_SHIM_H
#define KAWAN_CLINUX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#endif
