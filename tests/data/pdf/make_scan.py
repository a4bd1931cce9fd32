"""Makes scan.pdf: one page that is only a picture of text (no text layer)."""
import sys
from PIL import Image, ImageDraw
img = Image.new("L", (620, 300), 255)
d = ImageDraw.Draw(img)
d.text((20, 20), "Full name      Jane Citizen", fill=0)
d.text((20, 50), "Organisation   Department of Examples", fill=0)
d.rectangle((20, 90, 34, 104), outline=0)
img.save(sys.argv[1], "PDF", resolution=72.0)
