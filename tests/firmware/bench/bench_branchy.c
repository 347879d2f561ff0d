/* bench_branchy.c — branchy control-flow workload for scripts/bench-speed.sh, in the
 * spirit of CoreMark (not derived from it): per iteration a linked list is built,
 * searched, sorted and reversed, a byte stream is scanned by a switch-driven state
 * machine, a small integer matrix is multiplied with data-dependent clipping, and a
 * CRC-16 is folded over every result bit by bit. Short basic blocks, many taken and
 * not-taken branches, pointer chasing, table lookups from flash. Like bench_conv it
 * talks only through semihosting, so the same ELF built for cyc-m4 runs on
 * `qemu-system-arm -M mps2-an386 -semihosting`. Exit status 0 when every iteration
 * gives the same checksum. */
#include <stddef.h>
#include <stdint.h>

#include "mcuprof_semihosting.h"

#ifndef BRANCHY_ITERATIONS
#define BRANCHY_ITERATIONS 3000
#endif

enum { kNodes = 48, kStream = 160, kDim = 6 };

typedef struct Node {
  struct Node* next;
  int16_t key;
  int16_t value;
} Node;

static Node pool[kNodes];
static char stream[kStream];
static int32_t mat_a[kDim][kDim], mat_b[kDim][kDim], mat_c[kDim][kDim];

/* Read-only tables (in flash): character classes and a permutation. */
static const uint8_t kClass[16] = {0, 1, 1, 2, 3, 3, 1, 0, 2, 2, 3, 1, 0, 3, 2, 1};
static const uint8_t kPermute[kNodes] = {
    17, 3, 40, 29, 8,  45, 1,  33, 22, 11, 47, 5,  38, 27, 14, 0,  43, 20, 9,  31, 6,  36, 25, 12,
    46, 2, 19, 34, 41, 10, 28, 7,  44, 23, 15, 37, 4,  30, 18, 39, 13, 26, 42, 21, 35, 16, 24, 32};

static uint16_t crc_step(uint16_t crc, uint8_t byte) {
  crc ^= (uint16_t)byte << 8;
  for (int i = 0; i < 8; ++i)
    crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
  return crc;
}

static uint16_t crc_word(uint16_t crc, uint32_t w) {
  for (int i = 0; i < 4; ++i) crc = crc_step(crc, (uint8_t)(w >> (8 * i)));
  return crc;
}

static uint32_t lcg(uint32_t* s) {
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

/* --- linked list ------------------------------------------------------------------- */
static Node* list_build(uint32_t seed) {
  Node* head = NULL;
  for (int i = 0; i < kNodes; ++i) {
    Node* n = &pool[kPermute[i]];
    n->key = (int16_t)(lcg(&seed) & 0x3FF);
    n->value = (int16_t)i;
    n->next = head;
    head = n;
  }
  return head;
}

static Node* list_find(Node* head, int16_t key) {
  while (head != NULL && head->key != key) head = head->next;
  return head;
}

static Node* list_sort(Node* head) { /* insertion sort by key, then value */
  Node* sorted = NULL;
  while (head != NULL) {
    Node* n = head;
    head = head->next;
    Node** at = &sorted;
    while (*at != NULL &&
           ((*at)->key < n->key || ((*at)->key == n->key && (*at)->value < n->value)))
      at = &(*at)->next;
    n->next = *at;
    *at = n;
  }
  return sorted;
}

static Node* list_reverse(Node* head) {
  Node* prev = NULL;
  while (head != NULL) {
    Node* next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  return prev;
}

static uint16_t list_work(uint32_t seed, uint16_t crc) {
  Node* head = list_build(seed);
  int found = 0;
  for (int k = 0; k < 64; k += 3) found += list_find(head, (int16_t)(k * 13)) != NULL;
  head = list_sort(head);
  head = list_reverse(head);
  for (Node* n = head; n != NULL; n = n->next) crc = crc_word(crc, (uint32_t)n->key);
  return crc_word(crc, (uint32_t)found);
}

/* --- state machine over a byte stream ---------------------------------------------- */
typedef enum { kStart, kInt, kFrac, kExp, kWord, kBad } State;

static uint16_t scan_work(uint32_t seed, uint16_t crc) {
  static const char kAlphabet[16] = {'0', '1', '5', '9', '.', 'e', '-', '+',
                                     ' ', ',', 'a', 'z', 'x', '7', '3', '\n'};
  for (int i = 0; i < kStream; ++i) stream[i] = kAlphabet[lcg(&seed) & 15];
  uint32_t counts[6] = {0, 0, 0, 0, 0, 0};
  State s = kStart;
  for (int i = 0; i < kStream; ++i) {
    const char c = stream[i];
    const int digit = c >= '0' && c <= '9';
    switch (s) {
      case kStart:
        if (digit || c == '-' || c == '+')
          s = kInt;
        else if (c == '.')
          s = kFrac;
        else if (c >= 'a' && c <= 'z')
          s = kWord;
        else if (c != ' ' && c != ',' && c != '\n')
          s = kBad;
        break;
      case kInt:
        if (c == '.')
          s = kFrac;
        else if (c == 'e')
          s = kExp;
        else if (!digit) {
          ++counts[kInt];
          s = kStart;
        }
        break;
      case kFrac:
        if (c == 'e')
          s = kExp;
        else if (!digit) {
          ++counts[kFrac];
          s = kStart;
        }
        break;
      case kExp:
        if (!digit && c != '-' && c != '+') {
          ++counts[kExp];
          s = kStart;
        }
        break;
      case kWord:
        if (c < 'a' || c > 'z') {
          ++counts[kWord];
          s = kStart;
        }
        break;
      case kBad:
        if (c == ' ' || c == ',' || c == '\n') {
          ++counts[kBad];
          s = kStart;
        }
        break;
    }
    counts[kStart] += kClass[(uint8_t)c & 15];
  }
  for (int i = 0; i < 6; ++i) crc = crc_word(crc, counts[i]);
  return crc;
}

/* --- matrix with clipping ---------------------------------------------------------- */
static uint16_t matrix_work(uint32_t seed, uint16_t crc) {
  for (int i = 0; i < kDim; ++i)
    for (int j = 0; j < kDim; ++j) {
      mat_a[i][j] = (int32_t)(lcg(&seed) & 0xFF) - 128;
      mat_b[i][j] = (int32_t)(lcg(&seed) & 0xFF) - 128;
    }
  for (int i = 0; i < kDim; ++i)
    for (int j = 0; j < kDim; ++j) {
      int32_t sum = 0;
      for (int k = 0; k < kDim; ++k) {
        const int32_t p = mat_a[i][k] * mat_b[k][j];
        sum += p > 8000 ? 8000 : (p < -8000 ? -8000 : p);
      }
      mat_c[i][j] = sum;
    }
  uint32_t positive = 0, big = 0;
  for (int i = 0; i < kDim; ++i)
    for (int j = 0; j < kDim; ++j) {
      if (mat_c[i][j] > 0) ++positive;
      if (mat_c[i][j] > 10000 || mat_c[i][j] < -10000) ++big;
      crc = crc_word(crc, (uint32_t)mat_c[i][j]);
    }
  return crc_word(crc_word(crc, positive), big);
}

int main(void) {
  uint16_t first = 0;
  int mismatches = 0;
  for (int it = 0; it < BRANCHY_ITERATIONS; ++it) {
    /* The same seeds every iteration: each must give the same checksum. */
    uint16_t crc = 0xFFFF;
    crc = list_work(0x1234u, crc);
    crc = scan_work(0x5678u, crc);
    crc = matrix_work(0x9ABCu, crc);
    if (it == 0)
      first = crc;
    else if (crc != first)
      ++mismatches;
  }
  mcuprof_semihost_write0(mismatches == 0 ? "bench_branchy: done\n" : "bench_branchy: MISMATCH\n");
  return mismatches;
}
