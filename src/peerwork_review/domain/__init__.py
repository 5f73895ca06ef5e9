"""What the review's data mean, written once: the PRISMA 2020 flow and the vocabulary of provenance.

The validator, the diagram, the tables and the workbook all read these; nothing here
reads a file or imports another stage.
"""
