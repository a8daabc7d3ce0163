/* theme.h: the kiosk's colours; every pair used for text passes WCAG AA contrast. */
#ifndef KIOSK_THEME_H
#define KIOSK_THEME_H

#include "SDL.h"

/*
 * A dark navy ground with white type reads from across an office and does not glare. Each
 * outcome has its own colour, always shown with its icon and its words. White on every
 * outcome colour is at least 4.5:1.
 */
#define KIOSK_RGB(r, g, b) ((SDL_Color){(r), (g), (b), 255})

#define KIOSK_C_BG        KIOSK_RGB(0x0E, 0x1A, 0x2B) /* the ground */
#define KIOSK_C_PANEL     KIOSK_RGB(0x18, 0x2A, 0x42) /* header bars, cards */
#define KIOSK_C_LINE      KIOSK_RGB(0x33, 0x4A, 0x6B) /* borders, separators */
#define KIOSK_C_TEXT      KIOSK_RGB(0xFF, 0xFF, 0xFF)
#define KIOSK_C_TEXT_DIM  KIOSK_RGB(0xC3, 0xCF, 0xDF) /* secondary text: 10:1 on the ground */
#define KIOSK_C_TEXT_SUB  KIOSK_RGB(0xE6, 0xED, 0xF7) /* second lines on buttons: 4.9:1 on blue */
#define KIOSK_C_PRIMARY   KIOSK_RGB(0x1D, 0x5B, 0xD6) /* the main action */
#define KIOSK_C_SECONDARY KIOSK_RGB(0x2A, 0x40, 0x60) /* other actions, list rows */
#define KIOSK_C_PRESSED   KIOSK_RGB(0x5B, 0x8D, 0xEF) /* a button under a finger */
#define KIOSK_C_ON_TIME   KIOSK_RGB(0x15, 0x6B, 0x34) /* green: 6.6:1 with white */
#define KIOSK_C_LATE      KIOSK_RGB(0xA3, 0x4A, 0x00) /* amber-brown: 5.6:1 */
#define KIOSK_C_CLOSED    KIOSK_RGB(0xB0, 0x1C, 0x1C) /* red: 6.6:1 */
#define KIOSK_C_UNKNOWN   KIOSK_RGB(0x5B, 0x2B, 0xB5) /* purple: 8:1 */
#define KIOSK_C_ALREADY   KIOSK_RGB(0x1E, 0x4F, 0xA8) /* blue: 7:1 */
#define KIOSK_C_WARN      KIOSK_RGB(0xFB, 0xBF, 0x24) /* amber text on the ground: 10:1 */
#define KIOSK_C_GOOD      KIOSK_RGB(0x4A, 0xDE, 0x80) /* green text on the ground: 10:1 */
#define KIOSK_C_BAD       KIOSK_RGB(0xFC, 0xA5, 0xA5) /* red text on the ground: 9:1 */
#define KIOSK_C_NONE      ((SDL_Color){0, 0, 0, 0})

#endif
