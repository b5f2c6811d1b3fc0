// Linux interfaces that Glibc's Swift overlay does not expose: epoll, eventfd
// and accept4 (hidden behind _GNU_SOURCE in <sys/socket.h>), and for the
// tests' child processes pipe2 and glibc's posix_spawn file actions
// closefrom and chdir (glibc 2.34 and 2.29).
#ifndef KAWAN_CLINUX_SHIM_H
#define KAWAN_CLINUX_SHIM_H
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pipe2(int pipefd[2], int flags);
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
#endif
