/* semihost_files.c — semihosting host files in the sandbox folder: reads in.txt
 * (SYS_OPEN/SYS_FLEN/SYS_SEEK/SYS_READ), writes its text upper-cased to out.txt
 * (SYS_WRITE/SYS_CLOSE), fails to open ../escape.txt and /etc/passwd, reads
 * SYS_CLOCK and SYS_TIME. Exits 0 when every call behaved. */
#include <stdint.h>

#include "machine_test.h"
#include "mcuprof_semihosting.h"

static uint32_t sh(uint32_t op, const void* arg) {
  return mcuprof_semihost_call(op, arg);
}

static uint32_t sh_open(const char* name, uint32_t mode) {
  uint32_t len = 0;
  while (name[len] != '\0') ++len;
  const uint32_t block[3] = {(uint32_t)(uintptr_t)name, mode, len};
  return sh(0x01u, block);
}

int main(void) {
  const uint32_t in = sh_open("in.txt", 1u /* rb */);
  CHECK(in != 0xFFFFFFFFu, 10);
  const uint32_t flen_block[1] = {in};
  const uint32_t length = sh(0x0Cu, flen_block);
  CHECK(length == 12u, 11);
  const uint32_t seek_block[2] = {in, 6u};
  CHECK(sh(0x0Au, seek_block) == 0u, 12);
  char buf[16] = {0};
  const uint32_t read_block[3] = {in, (uint32_t)(uintptr_t)buf, 16u};
  CHECK(sh(0x06u, read_block) == 10u, 13); /* 6 of 16 read: 10 not read */
  CHECK(buf[0] == 'w' && buf[5] == '\n', 14);
  const uint32_t close_in[1] = {in};
  CHECK(sh(0x02u, close_in) == 0u, 15);

  for (int i = 0; i < 6; ++i)
    if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 'a' + 'A');
  const uint32_t out = sh_open("out.txt", 4u /* w */);
  CHECK(out != 0xFFFFFFFFu, 20);
  const uint32_t write_block[3] = {out, (uint32_t)(uintptr_t)buf, 6u};
  CHECK(sh(0x05u, write_block) == 0u, 21);
  const uint32_t close_out[1] = {out};
  CHECK(sh(0x02u, close_out) == 0u, 22);

  CHECK(sh_open("../escape.txt", 4u) == 0xFFFFFFFFu, 30);
  CHECK(sh_open("/etc/passwd", 0u) == 0xFFFFFFFFu, 31);
  CHECK(sh_open("sub/../../escape.txt", 4u) == 0xFFFFFFFFu, 32);

  const uint32_t c1 = sh(0x10u, 0);
  for (volatile uint32_t spin = 0; spin < 1000000u; ++spin) {
  }
  const uint32_t c2 = sh(0x10u, 0);
  CHECK(c2 > c1, 40);            /* centiseconds of simulated time */
  CHECK(sh(0x11u, 0) == 0u, 41); /* well under a second of simulated time */
  put("files ok\n");
  return 0;
}
