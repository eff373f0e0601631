/*
 * Page-fault probe for Varve's benchmark suite (MachineProbe compiles it with cc -O2 and runs it).
 * Usage: page_fault_probe FILE [MiB]  (default 512 MiB). Prints one line of ns/page figures:
 *   anon_write   first write to fresh anonymous memory
 *   file_write   first write to a fresh file page through a shared mapping
 *   cached_read  first read-touch of an already cached file page through a new mapping
 *   populate     mmap(MAP_POPULATE) of the same cached file, per page
 * The file stays in the page cache throughout: this is the mapping and page-table cost, not disk reads.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static char *map(int fd, size_t size, int prot, int flags)
{
    char *p = mmap(NULL, size, prot, flags, fd, 0);
    if (p == MAP_FAILED)
    {
        perror("mmap");
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2)
    {
        fprintf(stderr, "usage: %s FILE [MiB]\n", argv[0]);
        return 2;
    }
    const size_t size = (size_t)(argc > 2 ? atol(argv[2]) : 512) << 20;
    const long page = sysconf(_SC_PAGESIZE);
    const size_t pages = size / page;
    volatile long sink = 0;

    char *anon = map(-1, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    double t = now_ns();
    for (size_t i = 0; i < size; i += page) anon[i] = 1;
    const double anon_write = (now_ns() - t) / pages;
    munmap(anon, size);

    const int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, size) != 0)
    {
        perror(argv[1]);
        return 1;
    }
    char *file = map(fd, size, PROT_READ | PROT_WRITE, MAP_SHARED);
    t = now_ns();
    for (size_t i = 0; i < size; i += page) file[i] = 1;
    const double file_write = (now_ns() - t) / pages;
    munmap(file, size);

    char *cached = map(fd, size, PROT_READ, MAP_SHARED);
    t = now_ns();
    for (size_t i = 0; i < size; i += page) sink += cached[i];
    const double cached_read = (now_ns() - t) / pages;
    munmap(cached, size);

    t = now_ns();
    char *populated = map(fd, size, PROT_READ, MAP_SHARED | MAP_POPULATE);
    const double populate = (now_ns() - t) / pages;
    sink += populated[0];
    munmap(populated, size);
    close(fd);
    unlink(argv[1]);

    printf("PAGE_FAULTS mib=%zu page=%ld anon_write=%.0f file_write=%.0f cached_read=%.0f populate=%.0f\n",
        size >> 20, page, anon_write, file_write, cached_read, populate);
    return (int)(sink & 0);
}
