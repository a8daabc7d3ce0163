/* A sync/ header the bad fixture includes from below. */
